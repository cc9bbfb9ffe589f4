using System.CommandLine;
using OnnxVideo.Cli.Commands;
using OnnxVideo.CommandLine;
using OnnxVideo.Ort;
using OnnxVideo.Training.Data;

namespace OnnxVideo.Cli.Tests;

/// <summary>The layer both CLIs share: one exit-code mapping, common options defined once.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CliLayerTests
{
    private static (int Exit, string Error) Capture(Func<int> run)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            return (run(), error.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    private static Task<int> RunHandler(Func<ParseResult, CancellationToken, Task<int>> handler, TextWriter error) =>
        CliProgram.RunHandlerAsync(handler, new RootCommand().Parse([]), error, CancellationToken.None);

    [Fact]
    public async Task AUserInputExceptionIsOneLineNamingTheInputAndExitCodeTwo()
    {
        var error = new StringWriter();
        var exit = await RunHandler((_, _) => throw new DatasetException("train.txt:4", "unknown label 'x'"), error);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal("error: train.txt:4: unknown label 'x'" + Environment.NewLine, error.ToString());
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(IOException))]
    public async Task AnyOtherExceptionIsABugAndIsNotTurnedIntoAnExitCode(Type bug)
    {
        var error = new StringWriter();
        var thrown = (Exception)Activator.CreateInstance(bug, "bug")!;
        var caught = await Assert.ThrowsAsync(bug, () => RunHandler((_, _) => throw thrown, error));
        Assert.Same(thrown, caught);
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void ABugThroughTheProgramIsExitCodeOneWithItsStackTrace()
    {
        var root = new RootCommand("probe");
        var command = new Command("probe-command");
        command.SetHandler((_, _) => throw new InvalidOperationException("a bug, not bad input"));
        root.Subcommands.Add(command);
        var (exit, error) = Capture(() => CliProgram.Run(root, ["probe-command"]));
        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("a bug, not bad input", error);
        Assert.Contains("   at ", error);
        Assert.DoesNotContain("error: ", error);
    }

    [Fact]
    public void AParseErrorIsExitCodeTwoNamingTheOption()
    {
        var root = new RootCommand("probe");
        var command = new Command("probe-command") { CommonOptions.Workers(), CommonOptions.Threads() };
        command.SetHandler((_, _) => Task.FromResult(ExitCodes.Ok));
        root.Subcommands.Add(command);
        var (exit, error) = Capture(() => CliProgram.Run(root, ["probe-command", "--workers", "0", "--threads", "-1"]));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("--workers must be >= 1 (got 0)", error);
        Assert.Contains("--threads must be >= 0 (got -1)", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal(ExitCodes.Ok, Capture(() => CliProgram.Run(root, ["probe-command", "--workers", "2"])).Exit);
    }

    [Theory]
    [InlineData("train", "--package", "p", "--train", "t", "--out", "o")]
    [InlineData("evaluate", "--model", "m.onnx", "--data", "d")]
    [InlineData("classify", "clip.mp4", "--model", "m.onnx")]
    public void EveryCommandRefusesAnUnknownDeviceTheSameWay(params string[] args)
    {
        var (exit, error) = Capture(() => Program.Main([.. args, "--device", "gpu"]));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("--device gpu: unknown device (cpu, cuda, tensorrt or auto)", error);
    }

    [Fact]
    public void SharedOptionsHaveOneTypeAndDefaultInEveryCommand()
    {
        Command[] commands = [TrainCommand.Create(), EvaluateCommand.Create(), ClassifyCommand.Create(), DemoCommand.Create()];
        foreach (var command in commands)
        {
            var parse = command.Parse([]);
            foreach (var option in command.Options)
            {
                switch (option.Name)
                {
                    case "--device":
                        Assert.Equal(ExecutionProvider.Cpu, parse.GetValue((Option<ExecutionProvider>)option));
                        break;
                    case "--threads":
                        Assert.Equal(0, parse.GetValue((Option<int>)option));
                        break;
                    case "--workers":
                        Assert.Equal(Math.Max(1, Environment.ProcessorCount), parse.GetValue((Option<int>)option));
                        break;
                    case "--json":
                        Assert.False(parse.GetValue((Option<bool>)option));
                        break;
                }
            }
        }
        Assert.All(commands.Take(3), c => Assert.Contains(c.Options, o => o.Name == "--device"));
    }

    [Fact]
    public void HelpTextsStartWithACapitalLetterOrAValueName()
    {
        Command[] commands = [TrainCommand.Create(), EvaluateCommand.Create(), ClassifyCommand.Create(), DemoCommand.Create(), InfoCommand.Create(),
            DatasetCommand.Create(), GpuCheck.GpuCheckCommand.Create(), ExportTool.Commands.CreateCommand.Create(), ExportTool.Commands.ListCommand.Create(),
            ExportTool.Commands.HeadCommand.Create(), ExportTool.Commands.PackageCommand.Create(), ExportTool.Commands.WeightsCommand.Create(),
            Captioning.CaptionCommand.Create(), Captioning.RetrieveCommand.Create()];
        var all = commands.Concat(commands.SelectMany(c => c.Subcommands)).ToList();
        var lowercase = all.Where(c => c.Description is { Length: > 0 } d && char.IsLower(d[0])).Select(c => c.Name)
            .Concat(all.SelectMany(c => c.Options).Where(o => o.Description is { Length: > 0 } d && char.IsLower(d[0]) && !StartsWithValueName(d))
                .Select(o => o.Name))
            .ToList();
        Assert.Empty(lowercase);
    }

    /// <summary>Descriptions that begin with the values the option takes ("cpu, cuda, …", "adamw | sgd", "i/N: …").</summary>
    private static bool StartsWithValueName(string description) =>
        description.Split(' ')[0].TrimEnd(',', ':') is "adamw" or "head" or "auto" or "none" or "cosine" or "cuDNN" or "i/N";
}
