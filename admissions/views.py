from django.shortcuts import render


def get_help(request):
    return render(request, "admissions/get_help.html")
