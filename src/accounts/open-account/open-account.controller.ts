import { ApiCapability, ApiCommand } from '../../platform/http/api-contract.js';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  EFFECTIVE_TIME_WINDOW,
  assertWithinEffectiveTimeWindow,
  type EffectiveTimeWindow,
} from '../../platform/http/effective-time.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { OpenAccountDto } from './open-account.dto.js';
import { OpenAccount } from './open-account.command.js';

@ApiCapability('Accounts', 400, 404, 409, 422)
@Controller('v1/accounts')
export class OpenAccountController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EFFECTIVE_TIME_WINDOW) private readonly window: EffectiveTimeWindow,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('accounts:write')
  @ApiCommand({
    summary: 'Open an account',
    description:
      'A payer under a policy profile (its region, currency, payment scheme); legal entities give their requisites. The combination is checked against the profile (422 naming the rule).',
    body: OpenAccountDto,
    examples: {
      legalEntityOnCredit: {
        summary: 'A legal entity, postpaid with a credit limit, with e-documents (EDM)',
        value: {
          accountId: 'romashka',
          payerType: 'legal-entity',
          region: 'ru-moscow',
          residency: 'resident',
          contract: 'individual-contract',
          paymentScheme: 'postpaid',
          profileId: 'yc-legal-credit',
          edm: true,
          legalDetails: {
            name: 'ООО «Ромашка»',
            taxId: '7707083893',
            kpp: '773601001',
            address: 'Москва, ул. Ленина, 1',
          },
          agreement: { number: 'Д-2026/17', date: '2026-03-01' },
          ownerEmail: 'billing@romashka.example',
        },
      },
      legalEntityPrepaid: {
        summary: 'A legal entity paying in advance by bank transfer',
        value: {
          accountId: 'vector',
          payerType: 'legal-entity',
          region: 'ru-moscow',
          residency: 'resident',
          contract: 'individual-contract',
          paymentScheme: 'prepaid',
          profileId: 'yc-legal-prepaid',
          legalDetails: {
            name: 'ООО «Вектор»',
            taxId: '7707083893',
            kpp: '773601001',
            address: 'Москва, ул. Вавилова, 19',
          },
        },
      },
      kazakhLegalEntity: {
        summary: 'A Kazakh legal entity (KZT, ESF invoices)',
        value: {
          accountId: 'kaz-tech',
          payerType: 'legal-entity',
          region: 'kz',
          residency: 'resident',
          contract: 'individual-contract',
          paymentScheme: 'postpaid',
          profileId: 'yc-legal-credit',
          legalDetails: { name: 'ТОО «Астана»', taxId: '180340021791', address: 'Алматы, пр. Абая, 10' },
        },
      },
      individual: {
        summary: 'A person paying in advance',
        value: {
          accountId: 'anna',
          payerType: 'individual',
          region: 'ru-moscow',
          residency: 'resident',
          contract: 'public-offer',
          paymentScheme: 'prepaid',
          profileId: 'vk-individual-prepaid',
        },
      },
    },
  })
  open(@Body() body: OpenAccountDto, @Meta() meta: CommandMeta) {
    const now = this.clock.now();
    // An opening in 1900 would back-fill every month since; one in 2100 would refuse every top-up until then.
    assertWithinEffectiveTimeWindow(body.openedAt, 'openedAt', now, this.window);
    return this.commands.execute(
      new OpenAccount({ ...body, edm: body.edm ?? false, at: body.openedAt ?? now.toISOString() }, meta),
    );
  }
}
