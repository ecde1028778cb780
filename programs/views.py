from django.shortcuts import render


def program_list(request):
    return render(request, "programs/program_list.html")
