using System.CommandLine;
using OnnxVideo.CommandLine;
using OnnxVideo.ExportTool.Commands;

namespace OnnxVideo.ExportTool;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("onnxvideo-export: build, import and compile video models for training and inference");
        root.Subcommands.Add(CreateCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(HeadCommand.Create());
        root.Subcommands.Add(PackageCommand.Create());
        root.Subcommands.Add(WeightsCommand.Create());
        return CliProgram.Run(root, args);
    }
}
