using System.Security.Cryptography;
using OnnxVideo.Onnx;

namespace OnnxVideo.Runtime.Tests;

/// <summary>
/// Issue 17 lever 3c at load: on the CPU provider the classifier runs the model's 3×3×3 convolution as a 2-D one over
/// stacked temporal taps, rewritten in memory; the scores are those of the model as written, the file is untouched,
/// and a model whose weights live in an external data file loads as it is.
/// </summary>
[Collection(VideoCollection.Name)]
public sealed class ConvolutionLoweringTests(VideoFixture videos)
{
    [Fact]
    public async Task The_lowered_model_scores_like_the_model_as_written_and_the_file_is_unchanged()
    {
        var before = SHA256.HashData(File.ReadAllBytes(videos.ModelPath));
        var graph = CpuConvolutionLowering.Open(videos.ModelPath, path => OnnxModelFile.Load(path)).Graph;
        Assert.Contains(graph.Node, n => n.OpType == "Conv" && n.Name.Contains("/as2d/", StringComparison.Ordinal));
        Assert.Contains(graph.Node, n => n.OpType == "Gather");

        await using var plain = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, LowerConvolutions = false, WarmUp = false });
        await using var fast = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, WarmUp = false });
        foreach (var video in videos.Good[..2])
        {
            var (a, b) = (await plain.ClassifyAsync(video), await fast.ClassifyAsync(video));
            Assert.True(a.Succeeded && b.Succeeded, a.Error?.ToString() ?? b.Error?.ToString());
            Assert.Equal(a.Clips.Count, b.Clips.Count);
            foreach (var (expected, actual) in a.Clips.Zip(b.Clips).SelectMany(c => c.First.Probabilities.Zip(c.Second.Probabilities)).Concat(a.Probabilities.Zip(b.Probabilities)))
            {
                Assert.Equal(expected, actual, 1e-4f);
            }
        }
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(videos.ModelPath)));
    }

    [Fact]
    public void The_lowered_copy_is_deleted_once_opened()
    {
        var copy = CpuConvolutionLowering.Open(videos.ModelPath, path => path);
        Assert.NotEqual(videos.ModelPath, copy);
        Assert.False(File.Exists(copy));
    }

    [Fact]
    public async Task A_model_with_external_weights_loads_as_it_is()
    {
        var path = videos.File("tiny-external.onnx");
        OnnxModelFile.Save(OnnxModelFile.Load(videos.ModelPath), path, externalDataThreshold: 64);
        Assert.True(File.Exists(path + ".data"));
        Assert.Equal(path, CpuConvolutionLowering.Open(path, opened => opened));
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = path, WarmUp = false });
        var result = await classifier.ClassifyAsync(videos.Good[0]);
        Assert.True(result.Succeeded, result.Error?.ToString());
    }
}
