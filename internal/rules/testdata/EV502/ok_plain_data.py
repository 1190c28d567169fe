import multiprocessing


def work(path, count):
    pass


def main():
    ctx = multiprocessing.get_context('spawn')
    ctx.Process(target=work, args=('/etc/svc.conf', 3)).start()
