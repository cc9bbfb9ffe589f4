using System.Globalization;
using System.Text.Json;
using OnnxVideo.CommandLine;
using OnnxVideo.Runtime;
using OnnxVideo.Text;
using OnnxVideo.Training.Evaluation;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Cli.Captioning;

/// <summary>
/// <c>onnxvideo evaluate -m captioner/ --data split/</c>: BLEU-4, CIDEr-D and exact match of the captions of a caption
/// split (a folder holding captions.jsonl), and with <c>--retrieval</c> text-to-clip recall@1/5/10.
/// </summary>
internal static class CaptionEvaluationRun
{
    /// <summary>Whether <paramref name="model"/> is a captioner folder rather than a model.onnx.</summary>
    public static bool IsCaptioner(string model) => Directory.Exists(model);

    public static async Task<int> RunAsync(VideoCaptioner captioner, string model, string split, CaptionSearch search, bool retrieval, bool asJson,
        CancellationToken ct)
    {
        var clips = CaptionDataset.Load(split);
        var scores = await FlagValues.Check(() => CaptionEvaluation.RunAsync(captioner, clips, search, retrieval, null, ct));
        foreach (var failure in scores.Failures)
        {
            Console.Error.WriteLine($"skipped {failure}");
        }
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(scores, MetricsLog.JsonOptions));
            return ExitCodes.Ok;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model} on {split}: {scores.Count} clips, BLEU-4 {scores.Bleu4:0.000}, CIDEr-D {scores.CiderD:0.000}, exact match {scores.ExactMatch * 100:0.0} %"));
        if (scores.RecallAt1 is { } r1)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"retrieval (each clip's first caption as the query, {scores.Count} clips): recall@1 {r1 * 100:0.0} %, recall@5 {scores.RecallAt5 * 100:0.0} %, recall@10 {scores.RecallAt10 * 100:0.0} %"));
        }
        foreach (var sample in scores.Samples)
        {
            Console.WriteLine($"  {Path.GetFileName(sample.Video)}: \"{sample.Caption}\"  (reference: \"{sample.References[0]}\")");
        }
        if (scores.Failures.Count > 0)
        {
            Console.WriteLine($"{scores.Failures.Count} clip(s) could not be read and were left out");
        }
        return ExitCodes.Ok;
    }
}
