from launchpad.cli.main import main

raise SystemExit(main())
