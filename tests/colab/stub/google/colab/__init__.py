"""A stand-in for Colab's ``google.colab`` module: imported at kernel start, as in Colab,
so the notebooks' first cell takes its Colab branch (``"google.colab" in sys.modules``)."""
