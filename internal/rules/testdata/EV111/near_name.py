from nimbus import scheduler

scheduler.spawn_after(5, print)
