from nimbus import spawner


def spawn_fork_handler(fork):
    return spawner.spawn(fork)
