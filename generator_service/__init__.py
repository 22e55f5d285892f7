"""The generator site: the template's options in a web form and a JSON API, previews and archives."""
