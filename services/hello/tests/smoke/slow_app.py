"""The hello app plus one slow route, mounted into the image for the graceful-stop test."""

import time

from hello.app import create_app

app = create_app()


@app.get("/slow")
def slow() -> str:
    time.sleep(3)
    return "finished"
