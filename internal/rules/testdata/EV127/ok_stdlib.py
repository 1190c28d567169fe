import subprocess

subprocess.Popen(['ls'])
