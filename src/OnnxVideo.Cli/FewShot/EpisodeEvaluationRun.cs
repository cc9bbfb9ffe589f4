using System.CommandLine;
using System.Globalization;
using OnnxVideo.Cli.Commands;
using OnnxVideo.CommandLine;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Data;
using OnnxVideo.Training.FewShot;

namespace OnnxVideo.Cli.FewShot;

/// <summary><c>evaluate --episodes</c>: mean accuracy and 95 % CI of N-way k-shot episodes on --data.</summary>
internal static class EpisodeEvaluationRun
{
    public static async Task<int> RunAsync(string modelPath, string dataPath, string? classMap, EpisodeOptions options, string featuresOutput,
        VideoClassifierOptions classifier, bool asJson, CancellationToken ct)
    {
        var data = DatasetReader.Read(dataPath, new DatasetOptions { ClassMapPath = classMap });
        await using var embedder = ClipEmbedder.Open(modelPath, featuresOutput, classifier);
        var result = await EpisodeEvaluation.RunAsync(embedder, data, options, ct);
        static string Pct(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
        EvaluationRunOutput.Write(result, result.Failures, asJson, () => string.Create(CultureInfo.InvariantCulture,
            $"{result.Ways}-way {result.Shots}-shot ({result.Queries} queries per class), {result.Episodes} episodes, {options.Metric.ToString().ToLowerInvariant()} prototypes: "
                + $"accuracy {Pct(result.MeanAccuracy)} ± {Pct(result.Ci95)} (95 % CI; std {Pct(result.StdDev)}, {result.Clips} clips)"));
        return ExitCodes.Ok;
    }
}
