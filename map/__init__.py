"""Geography: roads, routing, zones, tiles and maps; the Qt map widget lives in map/view.py
(pure geodesy is the core's: dispatch/geodesy.py).

Import modules by name (`from map import routing`): the package shares its name with the builtin.
"""
