from oslo_concurrency import processutils
from oslo_privsep import priv_context

sys_admin = priv_context.PrivContext('svc', cfg_section='svc_sys_admin')  # want EV506


@sys_admin.entrypoint  # want EV506
def set_link_up(name):
    pass


def delete(path, helper):
    processutils.execute('rm', path, run_as_root=True)  # want EV506
    processutils.execute('ls', root_helper=helper)  # want EV506
