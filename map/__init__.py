"""Geography: Qt-free geodesy and zones here; the Qt map widget lives in map/view.py.

Import modules by name (`from map import geodesy`): the package shares its name with the builtin.
"""
