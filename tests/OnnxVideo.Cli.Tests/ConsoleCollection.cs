namespace OnnxVideo.Cli.Tests;

/// <summary>Tests that redirect the process-wide Console.Error run alone, so no other test writes into their capture.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
