"""The demo data (``manage.py seed_demo``) and the benchmark data set (``manage.py seed_scale``):
development tools that write through the apps' services, not part of any app."""
