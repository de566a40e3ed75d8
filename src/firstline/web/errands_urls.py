"""Page URLs of errands (views in web/views/errands.py), included by web/urls.py inside the "web"
namespace."""

urlpatterns: list = []
