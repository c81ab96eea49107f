"""Voilà with gzip: run as `python -m codesign.voila_app NOTEBOOK [voila options]`.

Voilà 0.5.13 builds its tornado Application before applying `tornado_settings`, so
`compress_response` has no effect and every participant downloads about 5 MB of
JavaScript uncompressed. Tornado decides on compression when the Application is built,
by adding the `GZipContentEncoding` transform; adding that same transform to the built
Application is all `compress_response=True` would have done. `codesign serve` runs this
instead of the `voila` command.
"""

from tornado.web import GZipContentEncoding
from voila.app import Voila


class CompressedVoila(Voila):
    """Voilà whose responses are gzipped for browsers that accept it."""

    def listen(self) -> None:
        if GZipContentEncoding not in self.app.transforms:
            self.app.transforms.append(GZipContentEncoding)
        super().listen()


main = CompressedVoila.launch_instance

if __name__ == "__main__":
    main()
