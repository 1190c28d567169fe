from oslo_reports import guru_meditation_report as gmr

gmr.TextGuruMeditation.setup_autorun(version)
