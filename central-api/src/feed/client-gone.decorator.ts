// Gives a route an AbortSignal that fires when the client's connection closes: a long-poll whose client left
// stops waiting instead of holding its place until its time runs out.
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';

export const ClientGone = createParamDecorator((_data: unknown, context: ExecutionContext): AbortSignal => {
  const controller = new AbortController();
  context.switchToHttp().getResponse<Response>().once('close', () => controller.abort());
  return controller.signal;
});
