"""What every worker would otherwise load on its own, loaded once in the fork server.

`pipeline._pool` names this module for the fork server to import before it forks any worker,
so the workers inherit the stop-word lists, the sentence splitter's model, and py3langid's
model where it decides most languages (`languages.preload_model`). Nothing else imports it:
the command line does not pay for them.
"""

import gc

from . import languages, pipeline, sentences, text  # noqa: F401 (pipeline: the functions the workers run)

gc.set_threshold(*pipeline.FEW_COLLECTIONS)  # the workers' own objects, as in the main process

languages.preload_model()
sentences.tokenizer()
for code in text.LANGUAGES:  # every language whose stop words the libraries have, a tenth of a second in all
    text.function_words(code)
    text.stop_words(code)
gc.freeze()  # what is loaded here lives as long as the workers: never scanned again
