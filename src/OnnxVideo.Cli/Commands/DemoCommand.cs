using System.CommandLine;
using System.Globalization;
using OnnxVideo.Cli.Demo;
using OnnxVideo.CommandLine;
using Spectre.Console;

namespace OnnxVideo.Cli.Commands;

/// <summary><c>onnxvideo demo</c>: synthetic data → tiny3d → training package → fine-tuning → evaluation → classification.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var defaults = new DemoSettings();
        var output = new Option<string>("--out") { Description = "Folder for every artefact (data, model, package, run, reports)", DefaultValueFactory = _ => defaults.OutputDirectory };
        var classes = new Option<int>("--classes") { Description = "Motion classes, 2..8", DefaultValueFactory = _ => defaults.Classes };
        var perClass = new Option<int>("--per-class") { Description = "Training clips per class (a quarter of them validate)", DefaultValueFactory = _ => defaults.ClipsPerClass };
        var testPerClass = new Option<int>("--test-per-class") { Description = "Held-out test clips per class", DefaultValueFactory = _ => defaults.TestClipsPerClass };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => defaults.Epochs };
        var batch = new Option<int>("--batch") { Description = "Clips per batch", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (AdamW, cosine schedule)", DefaultValueFactory = _ => defaults.LearningRate };
        var seed = CommonOptions.Seed("the data, the initial weights and the batch order", defaults.Seed);
        var threads = CommonOptions.Threads();
        var classify = new Option<int>("--classify") { Description = "Test clips to classify with VideoClassifier at the end", DefaultValueFactory = _ => defaults.ClassifyCount };

        var command = new Command("demo", "End to end on built-in synthetic data: synthesize, build tiny3d, compile a training package, fine-tune, evaluate, classify");
        foreach (var option in new Option[] { output, classes, perClass, testPerClass, epochs, batch, lr, seed, threads, classify })
        {
            command.Options.Add(option);
        }
        command.SetHandler(async (parse, ct) =>
        {
            var settings = new DemoSettings
            {
                OutputDirectory = parse.GetValue(output)!,
                Classes = parse.GetValue(classes),
                ClipsPerClass = parse.GetValue(perClass),
                TestClipsPerClass = parse.GetValue(testPerClass),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(lr),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                ClassifyCount = parse.GetValue(classify),
            };
            var interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected;
            var result = await DemoPipeline.RunAsync(settings, Console.Out, interactive ? AnsiConsole.Console : null, ct);
            Print(result);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(DemoResult r)
    {
        string Pct(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
        Console.WriteLine();
        var validation = r.Training.BestValidation is { } v ? $" (validation top-1 {Pct(v.Top1)})" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"demo finished in {r.Seconds:0.0} s: test top-1 {Pct(r.Test.Top1)} on {r.Test.Count} held-out clips{validation}"));
        Console.WriteLine($"  training data      {r.DatasetDirectory}");
        Console.WriteLine($"  test data          {r.TestDatasetDirectory}");
        Console.WriteLine($"  initial model      {r.InitialModelPath}");
        Console.WriteLine($"  training package   {r.PackageDirectory}");
        Console.WriteLine($"  training run       {r.RunDirectory} (checkpoints, metrics.jsonl)");
        Console.WriteLine($"  trained model      {r.TrainedModelPath}");
        Console.WriteLine($"  training report    {r.TrainingReportPath}");
        Console.WriteLine($"  evaluation report  {r.EvaluationReportPath}");
        Console.WriteLine($"next: onnxvideo classify -m {r.TrainedModelPath} <video files or folders>");
    }
}
