from django.urls import path

from . import views

# No namespace: "dashboard" is the site's home, named so by every template.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
