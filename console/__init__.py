"""The Qt application: windows and panels as thin views, plus the `jingbao` command line."""
