from radix.cli import main

main()
