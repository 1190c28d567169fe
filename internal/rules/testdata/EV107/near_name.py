import greenlets_stats
from nimbus import greenlet_tools
