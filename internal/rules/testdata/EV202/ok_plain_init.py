# fixture: path=nimbus/cmd/__init__.py
import logging

LOG = logging.getLogger(__name__)
