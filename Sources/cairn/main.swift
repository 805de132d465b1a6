import CairnCLI

// Thin executable: all behaviour lives in CairnCLI.
await CairnCommand.runMain()
