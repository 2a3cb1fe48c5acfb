"""The reference conformance suite (jupyter_kernel_test) against the installed jaclab kernel, with a
TypeScript sample for every test the suite has."""

import os
import tempfile
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel


class JaclabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("JACLAB_KERNEL_NAME", "jaclab-test")

    @classmethod
    def setUpClass(cls):
        # A private history file, so that history searches see only this suite's cells.
        cls._history_dir = tempfile.TemporaryDirectory(prefix="jaclab-conformance-")
        env = dict(os.environ, JACLAB_HISTORY_FILE=os.path.join(cls._history_dir.name, "history.jsonl"))
        cls.km, cls.kc = start_new_kernel(kernel_name=cls.kernel_name, env=env)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._history_dir.cleanup()

    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world");'
    code_stderr = 'console.error("something went wrong");'

    completion_samples = [
        {"text": "const conformanceValue = 1;\nconformanceVal", "matches": {"conformanceValue"}},
        {"text": "Math.SQRT", "matches": {"SQRT1_2", "SQRT2"}},
    ]

    complete_code_samples = ["1 + 1", "const a = 1;", "function f() { return 1; }", "class A {}"]
    incomplete_code_samples = ["function f() {", "const x = [1, 2,", "if (true) {\n  1;"]
    invalid_code_samples = ["const = 5;", "1 +* 2", ")"]

    code_page_something = "help(Math.max)"

    code_generate_error = 'throw new Error("conformance error");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"con" + "formance"', "result": "'conformance'"},
        {"code": "({ answer: 42 })", "result": "{ answer: 42 }"},
    ]

    code_display_data = [
        {"code": 'display.html("<b>bold</b>");', "mime": "text/html"},
        {"code": 'display.svg(\'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>\');',
         "mime": "image/svg+xml"},
    ]

    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput({ wait: false });"


if __name__ == "__main__":
    unittest.main()
