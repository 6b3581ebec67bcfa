using PolicyCuration.Cli;

return ManagedCompanion.Handles(args) ? ManagedCompanion.Run(args, Console.Error) : PolicyCtl.Run(args, Console.Out, Console.Error);
