from plots.cli import main

raise SystemExit(main())
