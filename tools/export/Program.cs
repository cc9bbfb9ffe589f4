using System.CommandLine;

namespace OnnxVideo.ExportTool;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("onnxvideo-export: build, import and compile video models for training and inference");
        return root.Parse(args).Invoke();
    }
}
