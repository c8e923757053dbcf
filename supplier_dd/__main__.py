from supplier_dd.cli import main

main()
