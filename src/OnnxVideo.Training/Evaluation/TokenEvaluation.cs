using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Evaluation;

/// <summary>
/// Teacher-forced validation of a captioner: the loss (the graph's mean over non-pad target tokens, weighted by each
/// batch's count of them) and the token accuracy over every clip's first caption.
/// </summary>
internal static class TokenEvaluation
{
    public static async Task<ValidationReport> RunAsync(ClipLoader loader, Func<Memory<float>, TokenTargets, EvalResult> forward, CancellationToken ct)
    {
        double lossSum = 0;
        long correct = 0, scored = 0;
        await foreach (var batch in loader.EvaluationAsync(ct).ConfigureAwait(false))
        {
            var tokens = batch.Tokens ?? throw new InvalidOperationException("caption validation needs batches with token tensors");
            var result = forward(batch.Inputs, tokens);
            var (batchCorrect, batchScored) = tokens.CountCorrect(result.Logits);
            if (batchScored == 0)
            {
                throw new InvalidOperationException($"the eval graph returned {result.Logits.Length} logits for {tokens.Rows}×{tokens.Length} tokens");
            }
            lossSum += (double)result.Loss * batchScored;
            correct += batchCorrect;
            scored += batchScored;
        }
        var accuracy = scored == 0 ? 0 : (double)correct / scored;
        return new ValidationReport(scored == 0 ? double.NaN : lossSum / scored, accuracy) { TokenAccuracy = accuracy };
    }
}
