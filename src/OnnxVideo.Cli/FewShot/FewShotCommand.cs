using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxVideo.CommandLine;
using OnnxVideo.Ort;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.FewShot;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Cli.FewShot;

/// <summary><c>onnxvideo fewshot</c>: writes a nearest-prototype classifier from a few labelled clips per class.</summary>
public static class FewShotCommand
{
    public static Command Create()
    {
        var f = new Flags();
        var command = new Command("fewshot", "Few-shot learning by prototypes: embed support clips with the model's features output and write a model whose head is the nearest-prototype classifier");
        foreach (var option in f.All())
        {
            command.Options.Add(option);
        }
        command.SetHandler((parse, ct) => RunAsync(f, parse, ct));
        return command;
    }

    private sealed class Flags
    {
        public Option<string> Model { get; } = new("--model") { Description = "A model with a features output and a preprocessing contract", Required = true };
        public Option<string> Support { get; } = new("--support") { Description = "Support clips: a folder-per-class tree or a list file ('path label')", Required = true };
        public Option<string> Output { get; } = new("--out") { Description = "The prototype model.onnx to write", Required = true };
        public Option<int?> Shots { get; } = new("--shots") { Description = "Support clips per class, drawn with --seed (default: all)" };
        public Option<string> Metric { get; } = EpisodeFlags.MetricOption();
        public Option<float> Scale { get; } = CommonOptions.Positive(new Option<float>("--scale") { Description = "Cosine temperature: logits = scale * cos (default 10)", DefaultValueFactory = _ => 10f });
        public Option<string> Features { get; } = EpisodeFlags.FeaturesOption();
        public Option<string?> ClassMap { get; } = new("--class-map") { Description = "Class-map file naming the support classes in order" };
        public Option<int> Seed { get; } = CommonOptions.Seed("the --shots draw");
        public Option<int> Batch { get; } = CommonOptions.AtLeast(new Option<int>("--batch") { Description = "Clips per model run (default 8)", DefaultValueFactory = _ => 8 }, 1);
        public Option<int> Workers { get; } = CommonOptions.Workers();
        public Option<ExecutionProvider> Device { get; } = CommonOptions.Device();
        public Option<int> Threads { get; } = CommonOptions.Threads();
        public Option<bool> Json { get; } = CommonOptions.Json("what was written");

        public IEnumerable<Option> All() => [Model, Support, Output, Shots, Metric, Scale, Features, ClassMap, Seed, Batch, Workers, Device, Threads, Json];
    }

    private static async Task<int> RunAsync(Flags f, ParseResult parse, CancellationToken ct)
    {
        var support = DatasetReader.Read(parse.GetValue(f.Support)!, new DatasetOptions { ClassMapPath = parse.GetValue(f.ClassMap), RequireEveryClass = true });
        var options = new FewShotOptions
        {
            Shots = parse.GetValue(f.Shots),
            Metric = EpisodeFlags.ParseMetric(parse.GetValue(f.Metric)!),
            Scale = parse.GetValue(f.Scale),
            FeaturesOutput = parse.GetValue(f.Features)!,
            Seed = parse.GetValue(f.Seed),
        };
        var classifier = new VideoClassifierOptions
        {
            Device = parse.GetValue(f.Device),
            IntraOpThreads = parse.GetValue(f.Threads),
            DecodeWorkers = parse.GetValue(f.Workers),
            MaxBatchSize = parse.GetValue(f.Batch),
        };
        var result = await FewShotPrototypes.WriteModelAsync(parse.GetValue(f.Model)!, support, parse.GetValue(f.Output)!, options, classifier, ct);
        if (parse.GetValue(f.Json))
        {
            Console.WriteLine(JsonSerializer.Serialize(result, MetricsLog.JsonOptions));
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {TerminalText.Escape(result.ModelPath)}: {result.Classes.Count} classes ({result.ShotsPerClass.Sum()} support clips), {result.Metric.ToString().ToLowerInvariant()} prototypes of {result.FeatureLength} features"));
        }
        return ExitCodes.Ok;
    }
}
