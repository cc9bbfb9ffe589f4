namespace OnnxVideo.Runtime;

/// <summary>
/// Combines per-(clip, crop) logits into a result: softmax each, average a clip's crops into its scores, average the
/// clips into the video's probabilities; in timeline mode each clip is one window of the timeline. The plain mean of
/// all the logits is kept too: evaluation scores it, as training's validation does.
/// </summary>
internal static class ResultAggregator
{
    public static ClassificationResult Combine(PreparedItem item, IReadOnlyList<ClipLogits> outputs, IReadOnlyList<string> labels,
        int topK, TimeSpan total)
    {
        int classes = outputs[0].Logits.Length;
        var perClip = new List<float[]>[item.ClipCount];
        var meanLogits = new float[classes];
        var inference = TimeSpan.Zero;
        var queue = TimeSpan.Zero;
        for (int i = 0; i < outputs.Count; i++)
        {
            // Summed in (clip, crop) order, each divided first, as training's validation averages a clip's views.
            for (int c = 0; c < classes; c++)
            {
                meanLogits[c] += outputs[i].Logits[c] / outputs.Count;
            }
            var probabilities = new float[classes];
            ScoreMath.Softmax(outputs[i].Logits, probabilities);
            (perClip[item.Clips[i].ClipIndex] ??= []).Add(probabilities);
            inference += outputs[i].Inference;
            queue = outputs[i].Queue > queue ? outputs[i].Queue : queue;
        }
        var clipScores = new ClipScore[item.ClipCount];
        var clipMeans = new float[item.ClipCount][];
        var firstOfClip = item.Clips.DistinctBy(c => c.ClipIndex).OrderBy(c => c.ClipIndex).ToArray();
        for (int c = 0; c < item.ClipCount; c++)
        {
            clipMeans[c] = ScoreMath.Mean(perClip[c]);
            clipScores[c] = new ClipScore(c, firstOfClip[c].Start, firstOfClip[c].End, clipMeans[c]);
        }
        var mean = ScoreMath.Mean(clipMeans);
        return new ClassificationResult
        {
            Source = item.Source,
            Probabilities = mean,
            MeanLogits = meanLogits,
            Top = ScoreMath.TopK(mean, labels, topK),
            Clips = clipScores,
            Timeline = item.IsTimeline
                ? clipScores.Select(s => new TimelineSegment(s.Start, s.End, ScoreMath.TopK(s.Probabilities, labels, topK))).ToArray()
                : null,
            Timings = new ClassificationTimings(item.Decode, item.Preprocess, inference, queue, total),
            Warnings = item.Warnings,
        };
    }
}
