namespace OnnxVideo.Training.Loading;

/// <summary>
/// Token tensors for batches of captioned clips from captions tokenised once: in training each clip contributes one of
/// its captions, chosen from (seed, epoch, clip) so that every epoch samples afresh and a resumed epoch sees the same
/// captions; in evaluation each clip's first caption. Rows are as long as the batch's longest caption + 1.
/// </summary>
internal sealed class CaptionBatchTargets(IReadOnlyList<IReadOnlyList<int[]>> captionIds, CaptionTokens specials) : IBatchTargets
{
    public ClipBatch ForTraining(ClipBatch batch, int seed, int epoch) => batch with
    {
        Tokens = Build(batch.SampleIndices.Select(i => Choose(i, seed, epoch)).ToList()),
    };

    public ClipBatch ForEvaluation(ClipBatch batch) => batch with
    {
        Tokens = Build(batch.SampleIndices.Select(i => captionIds[i][0]).ToList()).Repeat(batch.ViewsPerClip),
    };

    private int[] Choose(int sampleIndex, int seed, int epoch)
    {
        var captions = captionIds[sampleIndex];
        return captions.Count == 1 ? captions[0] : captions[EpochOrder.Mix(seed, epoch, sampleIndex) % captions.Count];
    }

    /// <summary>tokens = BOS + ids, targets = ids + EOS, both PAD-padded to the longest row.</summary>
    private TokenTargets Build(IReadOnlyList<int[]> rows)
    {
        var length = rows.Max(r => r.Length) + 1;
        var tokens = new long[rows.Count * length];
        var targets = new long[rows.Count * length];
        Array.Fill(tokens, specials.Pad);
        Array.Fill(targets, specials.Pad);
        for (var r = 0; r < rows.Count; r++)
        {
            var ids = rows[r];
            var at = r * length;
            tokens[at] = specials.Bos;
            for (var i = 0; i < ids.Length; i++)
            {
                tokens[at + i + 1] = ids[i];
                targets[at + i] = ids[i];
            }
            targets[at + ids.Length] = specials.Eos;
        }
        return new TokenTargets(tokens, targets, length, specials.Pad);
    }
}
