using System.CommandLine;
using OnnxVideo.Cli.Commands;
using OnnxVideo.CommandLine;

namespace OnnxVideo.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("onnxvideo: fine-tune and run video classifiers on ONNX Runtime");
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(ClassifyCommand.Create());
        root.Subcommands.Add(Captioning.CaptionCommand.Create());
        root.Subcommands.Add(Captioning.RetrieveCommand.Create());
        root.Subcommands.Add(FewShot.FewShotCommand.Create());
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(GpuCheck.GpuCheckCommand.Create());
        return CliProgram.Run(root, args);
    }
}
