import cotyledon

manager = cotyledon.ServiceManager()
