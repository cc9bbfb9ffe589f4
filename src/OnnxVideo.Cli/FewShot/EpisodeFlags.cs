using System.CommandLine;
using OnnxVideo.CommandLine;
using OnnxVideo.Training.FewShot;

namespace OnnxVideo.Cli.FewShot;

/// <summary><c>evaluate --episodes N --ways n --shots k [--queries q] [--metric]</c>: few-shot episode evaluation.</summary>
internal sealed class EpisodeFlags
{
    public Option<int?> Episodes { get; } = new("--episodes") { Description = "Few-shot episode evaluation: N episodes of nearest-prototype classification on --data's classes" };
    public Option<int> Ways { get; } = new("--ways") { Description = "Classes per episode (default 5)", DefaultValueFactory = _ => 5 };
    public Option<int> Shots { get; } = new("--shots") { Description = "Support clips per class and episode (default 1)", DefaultValueFactory = _ => 1 };
    public Option<int> Queries { get; } = new("--queries") { Description = "Query clips per class and episode (default 5)", DefaultValueFactory = _ => 5 };
    public Option<string> Metric { get; } = MetricOption();
    public Option<string> Features { get; } = FeaturesOption();

    public IEnumerable<Option> All() => [Episodes, Ways, Shots, Queries, Metric, Features];

    public static Option<string> MetricOption() => new("--metric") { Description = "cosine or euclidean (default cosine)", DefaultValueFactory = _ => "cosine" };

    public static Option<string> FeaturesOption() => new("--features") { Description = "The model's features output (default features)", DefaultValueFactory = _ => "features" };

    public static FewShotMetric ParseMetric(string text) => text.ToLowerInvariant() switch
    {
        "cosine" => FewShotMetric.Cosine,
        "euclidean" => FewShotMetric.Euclidean,
        _ => throw new InvalidFlagException("--metric", text, "unknown metric (use cosine or euclidean)"),
    };

    public EpisodeOptions Read(ParseResult parse, int seed) => new()
    {
        Episodes = parse.GetValue(Episodes) ?? 0,
        Ways = parse.GetValue(Ways),
        Shots = parse.GetValue(Shots),
        Queries = parse.GetValue(Queries),
        Seed = seed,
        Metric = ParseMetric(parse.GetValue(Metric)!),
    };
}
