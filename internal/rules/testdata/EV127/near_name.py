from nimbus import green

green.subprocess.run(['ls'])
