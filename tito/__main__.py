from tito.main import main

raise SystemExit(main())
