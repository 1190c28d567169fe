@app.entrypoints
def run():
    pass


privileges = {'root_helper': 'sudo'}
