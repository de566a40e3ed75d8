"""Page URLs of mass testing (see web/urls.py, which includes this module inside the "web" namespace)."""

urlpatterns: list = []
