using OnnxVideo.Ort;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Packages;

namespace OnnxVideo.Training.Sessions;

/// <summary>Binds a caption batch's int64 [N, L] <c>tokens</c> and <c>target_tokens</c> to the graph inputs the manifest names.</summary>
internal static class TokenInputs
{
    public static BoundTargets Bind(OrtIoBinding binding, OrtSession session, TrainingGraphNames names, TokenTargets tokens)
    {
        var tokensName = names.Tokens ?? throw new InvalidOperationException("the package is not a caption package: it names no token input");
        var targetsName = names.TargetTokens ?? throw new InvalidOperationException("the package is not a caption package: it names no target-token input");
        var rows = tokens.Rows;
        var tokenValue = OrtValue.CreateTensor(tokens.Tokens, rows, tokens.Length);
        var targetValue = OrtValue.CreateTensor(tokens.Targets, rows, tokens.Length);
        var bound = new BoundTargets(tokenValue, targetValue);
        if (session.InputNames.Contains(tokensName))
        {
            binding.BindInput(tokensName, tokenValue);
        }
        if (session.InputNames.Contains(targetsName))
        {
            binding.BindInput(targetsName, targetValue);
        }
        return bound;
    }
}
