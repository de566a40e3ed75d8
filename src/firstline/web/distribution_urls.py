"""Page URLs of distribution (views in web/views/distribution.py), included by web/urls.py inside the "web"
namespace."""

urlpatterns: list = []
