namespace OnnxVideo.Runtime.Tests;

[Collection(VideoCollection.Name)]
public sealed class HalfPrecisionTests(VideoFixture videos)
{
    [Fact]
    public async Task A_model_with_float16_input_and_logits_scores_like_its_float32_twin()
    {
        var halfModel = TinyVideoModel.Write(videos.File("tiny-fp16.onnx"), TinyVideoModel.Contract, halfPrecisionIO: true);
        await using var half = new VideoClassifier(new VideoClassifierOptions { ModelPath = halfModel, MaxBatchSize = 4 });
        await using var full = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, MaxBatchSize = 4, WarmUp = false });
        foreach (var video in videos.Good[..2])
        {
            var a = await half.ClassifyAsync(video);
            var b = await full.ClassifyAsync(video);
            Assert.True(a.Succeeded, a.Error?.ToString());
            for (int k = 0; k < b.Probabilities.Length; k++)
            {
                // float16 keeps ~3 decimal digits of the normalised pixels and of the logits.
                Assert.Equal(b.Probabilities[k], a.Probabilities[k], 5e-3f);
            }
        }
    }
}
