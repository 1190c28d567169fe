from nimbus import monkey_patch

monkey_patch.patch(backend='threading')
