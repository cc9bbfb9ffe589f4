using OnnxVideo.Runtime;
using OnnxVideo.Text;

namespace OnnxVideo.Training.Evaluation;

/// <summary>
/// Scores a <see cref="VideoCaptioner"/> on captioned clips (<see cref="CaptionScores"/>): each clip is encoded once,
/// captioned (greedy or beam search), and with retrieval scored against every clip's first caption. A clip that cannot
/// be read is reported and left out; the others go on.
/// </summary>
internal static class CaptionEvaluation
{
    public const int SampleCount = 8;

    public static async Task<CaptionScores> RunAsync(VideoCaptioner captioner, IReadOnlyList<CaptionedClip> clips, CaptionSearch? search = null,
        bool retrieval = false, IProgress<int>? clipsDone = null, CancellationToken ct = default)
    {
        var memories = new List<VideoMemory>();
        var kept = new List<CaptionedClip>();
        var failures = new List<string>();
        foreach (var clip in clips)
        {
            try
            {
                memories.Add(await captioner.EncodeAsync(clip.VideoPath, ct).ConfigureAwait(false));
                kept.Add(clip);
            }
            catch (UserInputException e)
            {
                failures.Add(e.Message);
            }
            clipsDone?.Report(kept.Count + failures.Count);
        }
        if (kept.Count == 0)
        {
            throw new InvalidInputException("captioned clips", $"none of the {clips.Count} clips could be read: {string.Join("; ", failures.Take(3))}");
        }
        var hypotheses = captioner.Caption(memories, search).Select(r => r.Text).ToList();
        var references = kept.Select(c => c.Captions).ToList();
        var scores = new CaptionScores
        {
            Count = kept.Count,
            Bleu4 = CaptionMetrics.Bleu4(hypotheses, references),
            CiderD = CaptionMetrics.CiderD(hypotheses, references),
            ExactMatch = CaptionMetrics.ExactMatch(hypotheses, references),
            Samples = kept.Take(SampleCount).Select((c, i) => new CaptionSample(c.VideoPath, hypotheses[i], c.Captions)).ToList(),
            Failures = failures,
        };
        return retrieval ? WithRetrieval(scores, captioner, memories, kept) : scores;
    }

    /// <summary>Query i is clip i's first caption; scores[i, j] is the captioner's log-likelihood of it given clip j.</summary>
    public static double[,] RetrievalScores(VideoCaptioner captioner, IReadOnlyList<VideoMemory> memories, IReadOnlyList<string> queries)
    {
        var scores = new double[queries.Count, memories.Count];
        for (var item = 0; item < memories.Count; item++)
        {
            var column = captioner.Score(memories[item], queries);
            for (var query = 0; query < queries.Count; query++)
            {
                scores[query, item] = column[query];
            }
        }
        return scores;
    }

    private static CaptionScores WithRetrieval(CaptionScores scores, VideoCaptioner captioner, List<VideoMemory> memories, List<CaptionedClip> clips)
    {
        var matrix = RetrievalScores(captioner, memories, clips.Select(c => c.Captions[0]).ToList());
        var relevant = Enumerable.Range(0, clips.Count).ToArray();
        return scores with
        {
            RecallAt1 = RetrievalMetrics.RecallAtK(matrix, relevant, 1),
            RecallAt5 = RetrievalMetrics.RecallAtK(matrix, relevant, 5),
            RecallAt10 = RetrievalMetrics.RecallAtK(matrix, relevant, 10),
        };
    }
}
