"""Page URLs of supplies (views in web/views/supplies.py), included by web/urls.py inside the "web"
namespace."""

urlpatterns: list = []
