app_name = "entry"

urlpatterns: list = []
