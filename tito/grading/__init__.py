"""nbgrader, the way this course uses it (`tito nbgrader ...`).

One module per concern; `tito/commands/nbgrader.py` is the command line.

    course.py     the course folder, its nbgrader_config.py, its gradebook
    notebooks.py  reading graded notebooks; the release leak check
    collect.py    student notebooks from files, folders and zips
    checks.py     a submission against its release (tampering, incidents)
    run.py        nbgrader's converters in-process, logged
    execute.py    nbgrader's preprocessors, made crash- and flood-proof
    sandbox.py    the bubblewrap sandbox every grading kernel runs in
    gradebook.py  grades read back from the gradebook; the CSV report

Nothing here is imported by `tito --help`; nbgrader itself is imported
inside functions only.
"""
